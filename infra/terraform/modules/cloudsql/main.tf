# Cloud SQL for PostgreSQL with logical decoding on (pgoutput), an application user and a
# replication user for Debezium Server or Datastream. Passwords live in Secret Manager.

resource "google_sql_database_instance" "this" {
  project             = var.project_id
  name                = "${var.name}-pg"
  region              = var.region
  database_version    = var.database_version
  deletion_protection = var.deletion_protection

  settings {
    tier              = var.tier
    availability_type = var.high_availability ? "REGIONAL" : "ZONAL"
    disk_autoresize   = true

    # Logical decoding: wal_level=logical, needed by pgoutput replication slots.
    database_flags {
      name  = "cloudsql.logical_decoding"
      value = "on"
    }

    # Room for the Debezium (or Datastream) slot plus a spare one for re-snapshots.
    database_flags {
      name  = "max_replication_slots"
      value = "10"
    }

    database_flags {
      name  = "max_wal_senders"
      value = "10"
    }

    ip_configuration {
      ipv4_enabled    = false
      private_network = var.network_id
      ssl_mode        = "ENCRYPTED_ONLY"
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }

    insights_config {
      query_insights_enabled = true
    }
  }

  depends_on = [var.services_connection]
}

resource "google_sql_database" "app" {
  project  = var.project_id
  instance = google_sql_database_instance.this.name
  name     = var.database_name
}

resource "random_password" "app" {
  length  = 32
  special = false
}

resource "random_password" "replication" {
  length  = 32
  special = false
}

resource "google_sql_user" "app" {
  project  = var.project_id
  instance = google_sql_database_instance.this.name
  name     = var.app_user
  password = random_password.app.result
}

# Cloud SQL creates it as a member of cloudsqlsuperuser; the one-shot `db-init` Cloud Run job
# (module debezium_server) runs `ALTER USER ... WITH REPLICATION` and creates the publication.
resource "google_sql_user" "replication" {
  project  = var.project_id
  instance = google_sql_database_instance.this.name
  name     = var.replication_user
  password = random_password.replication.result
}
