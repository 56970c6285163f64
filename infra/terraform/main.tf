# Riverbed on Google Cloud:
#   API (Cloud Run) -> Cloud SQL for PostgreSQL (logical decoding)
#     -> Debezium Server (Cloud Run) -> Pub/Sub (ordered, dead-letter)
#     -> riverbed sync consumer (Cloud Run, N instances, one subscription) -> BigQuery
# or, with cdc_mode = "datastream", Cloud SQL -> Datastream -> BigQuery.

locals {
  images = module.artifact_registry.repository_url
  sql_socket_url = format(
    "postgresql+psycopg://%s:%s@/%s?host=/cloudsql/%s",
    module.cloudsql.app_user, module.cloudsql.app_password, module.cloudsql.database_name,
    module.cloudsql.connection_name,
  )
  debezium = var.cdc_mode == "debezium" ? 1 : 0
}

module "network" {
  source     = "./modules/network"
  project_id = var.project_id
  region     = var.region
  name       = var.name
}

# --- identities (one per workload) -----------------------------------------------------------

module "sa_api" {
  source        = "./modules/service_account"
  project_id    = var.project_id
  account_id    = "${var.name}-api"
  display_name  = "Riverbed API"
  project_roles = ["roles/cloudsql.client", "roles/logging.logWriter", "roles/monitoring.metricWriter"]
}

module "sa_consumer" {
  source        = "./modules/service_account"
  project_id    = var.project_id
  account_id    = "${var.name}-consumer"
  display_name  = "Riverbed sync consumer (Pub/Sub -> BigQuery)"
  project_roles = ["roles/logging.logWriter", "roles/monitoring.metricWriter"]
}

module "sa_debezium" {
  source        = "./modules/service_account"
  project_id    = var.project_id
  account_id    = "${var.name}-debezium"
  display_name  = "Riverbed Debezium Server"
  project_roles = ["roles/logging.logWriter", "roles/monitoring.metricWriter"]
}

module "sa_analytics" {
  source        = "./modules/service_account"
  project_id    = var.project_id
  account_id    = "${var.name}-analytics"
  display_name  = "Riverbed analytics jobs (read-only on BigQuery)"
  project_roles = ["roles/logging.logWriter"]
}

# --- data stores ------------------------------------------------------------------------------

module "cloudsql" {
  source              = "./modules/cloudsql"
  project_id          = var.project_id
  region              = var.region
  name                = var.name
  network_id          = module.network.network_id
  services_connection = module.network.services_connection
  database_name       = var.database_name
  database_version    = var.database_version
  tier                = var.database_tier
  deletion_protection = var.deletion_protection
}

module "secrets" {
  source     = "./modules/secrets"
  project_id = var.project_id
  name       = var.name
  secret_ids = ["database-url", "app-password", "replication-password"]
  secret_values = {
    "database-url"         = local.sql_socket_url
    "app-password"         = module.cloudsql.app_password
    "replication-password" = module.cloudsql.replication_password
  }
  accessors = {
    "database-url"         = [module.sa_api.member]
    "app-password"         = [module.sa_debezium.member]
    "replication-password" = [module.sa_debezium.member]
  }
}

module "pubsub" {
  source                = "./modules/pubsub"
  project_id            = var.project_id
  name                  = var.name
  publisher_members     = [module.sa_debezium.member]
  subscriber_members    = [module.sa_consumer.member]
  max_delivery_attempts = var.dead_letter_max_delivery_attempts
}

module "bigquery" {
  source              = "./modules/bigquery"
  project_id          = var.project_id
  dataset_id          = var.bigquery_dataset
  location            = var.bigquery_location
  writer_members      = [module.sa_consumer.member]
  reader_members      = [module.sa_analytics.member]
  deletion_protection = var.deletion_protection
}

module "artifact_registry" {
  source        = "./modules/artifact_registry"
  project_id    = var.project_id
  region        = var.region
  repository_id = var.name
  reader_members = [
    module.sa_api.member, module.sa_consumer.member, module.sa_debezium.member,
  ]
}

# --- workloads --------------------------------------------------------------------------------

module "api" {
  source                   = "./modules/cloud_run_service"
  project_id               = var.project_id
  region                   = var.region
  name                     = "${var.name}-api"
  image                    = "${local.images}/riverbed-api:${var.image_tag}"
  service_account_email    = module.sa_api.email
  cloudsql_connection_name = module.cloudsql.connection_name
  max_instances            = var.api_max_instances
  health_path              = "/health"
  invoker_members          = ["allUsers"]
  env = {
    RIVERBED_LOG_JSON = "true"
  }
  secret_env = {
    DATABASE_URL = module.secrets.secret_ids["database-url"]
  }
}

module "debezium" {
  count                          = local.debezium
  source                         = "./modules/debezium_server"
  project_id                     = var.project_id
  region                         = var.region
  name                           = var.name
  image                          = "${local.images}/riverbed-debezium:${var.image_tag}"
  service_account_email          = module.sa_debezium.email
  subnet_id                      = module.network.subnet_id
  database_host                  = module.cloudsql.private_ip
  database_name                  = module.cloudsql.database_name
  replication_user               = module.cloudsql.replication_user
  replication_password_secret_id = module.secrets.secret_ids["replication-password"]
  admin_user                     = module.cloudsql.app_user
  admin_password_secret_id       = module.secrets.secret_ids["app-password"]
  topic_name                     = module.pubsub.topic_name
  captured_tables                = var.captured_tables
}

# The consumer is a background streaming-pull worker: always-on CPU, min 1 instance, and a tiny
# HTTP responder on $PORT because Cloud Run services must listen; instances share one
# subscription, so Pub/Sub spreads ordering keys (rows) over them.
module "consumer" {
  count                 = local.debezium
  source                = "./modules/cloud_run_service"
  project_id            = var.project_id
  region                = var.region
  name                  = "${var.name}-consumer"
  image                 = "${local.images}/riverbed-ingestor:${var.image_tag}"
  service_account_email = module.sa_consumer.email
  min_instances         = 1
  max_instances         = var.consumer_max_instances
  cpu_idle              = false
  memory                = "1Gi"
  ingress               = "INGRESS_TRAFFIC_INTERNAL_ONLY"
  health_path           = "/"
  command               = ["/bin/sh", "-c"]
  args = [
    "python -m http.server \"$PORT\" --directory /tmp >/dev/null 2>&1 & exec riverbed sync run --source pubsub --sink bigquery",
  ]
  env = {
    RIVERBED_LOG_JSON                     = "true"
    RIVERBED_INGESTOR_PUBSUB_PROJECT      = var.project_id
    RIVERBED_INGESTOR_PUBSUB_SUBSCRIPTION = module.pubsub.subscription_name
    RIVERBED_INGESTOR_PUBSUB_DEAD_LETTER  = module.pubsub.dead_letter_topic_name
    RIVERBED_INGESTOR_BIGQUERY_PROJECT    = var.project_id
    RIVERBED_INGESTOR_BIGQUERY_DATASET    = module.bigquery.dataset_id
    RIVERBED_INGESTOR_BIGQUERY_LOCATION   = var.bigquery_location
  }
}

module "datastream" {
  count                = var.cdc_mode == "datastream" ? 1 : 0
  source               = "./modules/datastream"
  project_id           = var.project_id
  region               = var.region
  name                 = var.name
  network_id           = module.network.network_id
  source_host          = module.cloudsql.private_ip
  database_name        = module.cloudsql.database_name
  replication_user     = module.cloudsql.replication_user
  replication_password = module.cloudsql.replication_password
  captured_tables      = var.captured_tables
  dataset_id           = module.bigquery.dataset_id
}
