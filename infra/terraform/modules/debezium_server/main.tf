# Debezium Server (Postgres source, Pub/Sub sink) on Cloud Run: exactly one always-on instance
# (a replication slot has one reader), CPU always allocated, offsets in a GCS bucket mounted as
# a volume so a restart resumes where it stopped. A one-shot `db-init` job grants REPLICATION to
# the replication user and creates the publication before the first start.

resource "google_storage_bucket" "offsets" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name}-debezium-offsets"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }
}

resource "google_storage_bucket_iam_member" "offsets_writer" {
  bucket = google_storage_bucket.offsets.name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${var.service_account_email}"
}

locals {
  env = {
    # Every debezium.* property can be set as an environment variable (Quarkus naming); the
    # rest of the configuration is baked into the image (connectors/debezium-server/).
    DEBEZIUM_SINK_PUBSUB_PROJECT_ID                       = var.project_id
    DEBEZIUM_SINK_PUBSUB_ORDERING_ENABLED                 = "true"
    DEBEZIUM_TRANSFORMS_ROUTE_REPLACEMENT                 = var.topic_name
    DEBEZIUM_SOURCE_DATABASE_HOSTNAME                     = var.database_host
    DEBEZIUM_SOURCE_DATABASE_PORT                         = "5432"
    DEBEZIUM_SOURCE_DATABASE_DBNAME                       = var.database_name
    DEBEZIUM_SOURCE_DATABASE_USER                         = var.replication_user
    DEBEZIUM_SOURCE_DATABASE_SSLMODE                      = "require"
    DEBEZIUM_SOURCE_TABLE_INCLUDE_LIST                    = join(",", var.captured_tables)
    DEBEZIUM_SOURCE_OFFSET_STORAGE_FILE_FILENAME          = "/offsets/offsets.dat"
    DEBEZIUM_SOURCE_PUBLICATION_NAME                      = var.publication_name
    DEBEZIUM_SOURCE_SLOT_NAME                             = var.slot_name
    DEBEZIUM_SOURCE_PUBLICATION_AUTOCREATE_MODE           = "disabled"
    QUARKUS_LOG_CONSOLE_JSON                              = "true"
    DEBEZIUM_SOURCE_SCHEMA_HISTORY_INTERNAL_FILE_FILENAME = "/offsets/schema-history.dat"
  }
}

resource "google_cloud_run_v2_service" "debezium" {
  project             = var.project_id
  name                = "${var.name}-debezium"
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  deletion_protection = false

  template {
    service_account                  = var.service_account_email
    max_instance_request_concurrency = 1

    scaling {
      min_instance_count = 1
      max_instance_count = 1
    }

    vpc_access {
      egress = "PRIVATE_RANGES_ONLY"
      network_interfaces {
        subnetwork = var.subnet_id
      }
    }

    volumes {
      name = "offsets"
      gcs {
        bucket    = google_storage_bucket.offsets.name
        read_only = false
      }
    }

    containers {
      image = var.image

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = "1"
          memory = "1Gi"
        }
        cpu_idle = false
      }

      dynamic "env" {
        for_each = local.env
        content {
          name  = env.key
          value = env.value
        }
      }

      env {
        name = "DEBEZIUM_SOURCE_DATABASE_PASSWORD"
        value_source {
          secret_key_ref {
            secret  = var.replication_password_secret_id
            version = "latest"
          }
        }
      }

      volume_mounts {
        name       = "offsets"
        mount_path = "/offsets"
      }

      startup_probe {
        period_seconds    = 10
        failure_threshold = 30
        http_get {
          path = "/q/health/ready"
          port = 8080
        }
      }

      liveness_probe {
        period_seconds    = 30
        failure_threshold = 3
        http_get {
          path = "/q/health/live"
          port = 8080
        }
      }
    }
  }

  depends_on = [google_cloud_run_v2_job.db_init]
}

# Run once after apply: `gcloud run jobs execute NAME-db-init --wait`.
resource "google_cloud_run_v2_job" "db_init" {
  project             = var.project_id
  name                = "${var.name}-db-init"
  location            = var.region
  deletion_protection = false

  template {
    template {
      service_account = var.service_account_email
      max_retries     = 1

      vpc_access {
        egress = "PRIVATE_RANGES_ONLY"
        network_interfaces {
          subnetwork = var.subnet_id
        }
      }

      containers {
        image   = var.psql_image
        command = ["psql"]
        args = [
          "-v", "ON_ERROR_STOP=1",
          "-c", "ALTER USER \"${var.replication_user}\" WITH REPLICATION",
          "-c", "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = '${var.publication_name}') THEN CREATE PUBLICATION ${var.publication_name} FOR TABLE ${join(", ", var.captured_tables)}; END IF; END $$",
        ]

        env {
          name  = "PGHOST"
          value = var.database_host
        }
        env {
          name  = "PGDATABASE"
          value = var.database_name
        }
        env {
          name  = "PGUSER"
          value = var.admin_user
        }
        env {
          name  = "PGSSLMODE"
          value = "require"
        }
        env {
          name = "PGPASSWORD"
          value_source {
            secret_key_ref {
              secret  = var.admin_password_secret_id
              version = "latest"
            }
          }
        }
      }
    }
  }
}
