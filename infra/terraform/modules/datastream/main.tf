# The managed alternative to Debezium Server + Pub/Sub + the riverbed consumer: Datastream reads
# the same publication/slot and writes straight into BigQuery (merge mode keeps the current rows;
# no change-log tables, no LSN guard of our own, staleness bounded by `max_staleness`).
#
# Networking caveat: Cloud SQL's private IP lives in a Google-managed VPC peered to ours and VPC
# peering is not transitive, so Datastream's private connection cannot reach it directly. Point
# `source_host` at a Cloud SQL Auth Proxy VM in the VPC (or use Private Service Connect).

resource "google_datastream_private_connection" "this" {
  project               = var.project_id
  location              = var.region
  private_connection_id = "${var.name}-datastream"
  display_name          = "${var.name} Datastream private connection"

  vpc_peering_config {
    vpc    = var.network_id
    subnet = var.datastream_cidr
  }
}

resource "google_datastream_connection_profile" "source" {
  project               = var.project_id
  location              = var.region
  connection_profile_id = "${var.name}-postgres"
  display_name          = "${var.name} Cloud SQL source"

  postgresql_profile {
    hostname = var.source_host
    port     = 5432
    username = var.replication_user
    password = var.replication_password
    database = var.database_name
  }

  private_connectivity {
    private_connection = google_datastream_private_connection.this.id
  }
}

resource "google_datastream_connection_profile" "bigquery" {
  project               = var.project_id
  location              = var.region
  connection_profile_id = "${var.name}-bigquery"
  display_name          = "${var.name} BigQuery destination"

  bigquery_profile {}
}

resource "google_datastream_stream" "this" {
  project       = var.project_id
  location      = var.region
  stream_id     = "${var.name}-cdc"
  display_name  = "${var.name} Cloud SQL -> BigQuery"
  desired_state = "RUNNING"

  source_config {
    source_connection_profile = google_datastream_connection_profile.source.id

    postgresql_source_config {
      publication      = var.publication_name
      replication_slot = var.slot_name

      include_objects {
        dynamic "postgresql_schemas" {
          for_each = toset([for t in var.captured_tables : split(".", t)[0]])
          content {
            schema = postgresql_schemas.value
            dynamic "postgresql_tables" {
              for_each = [for t in var.captured_tables : split(".", t)[1] if split(".", t)[0] == postgresql_schemas.value]
              content {
                table = postgresql_tables.value
              }
            }
          }
        }
      }
    }
  }

  destination_config {
    destination_connection_profile = google_datastream_connection_profile.bigquery.id

    bigquery_destination_config {
      data_freshness = var.max_staleness

      single_target_dataset {
        dataset_id = "${var.project_id}:${var.dataset_id}"
      }
    }
  }

  backfill_all {}
}
