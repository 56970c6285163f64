output "api_url" {
  description = "HTTPS URL of the Riverbed API on Cloud Run."
  value       = module.api.uri
}

output "artifact_registry" {
  description = "Docker repository to push images to (REGION-docker.pkg.dev/PROJECT/REPO)."
  value       = module.artifact_registry.repository_url
}

output "cloudsql_connection_name" {
  description = "Cloud SQL instance connection name (PROJECT:REGION:INSTANCE)."
  value       = module.cloudsql.connection_name
}

output "cloudsql_private_ip" {
  description = "Private IP of Cloud SQL, reachable from the VPC only."
  value       = module.cloudsql.private_ip
}

output "pubsub_topic" {
  description = "Pub/Sub topic Debezium Server publishes change events to."
  value       = module.pubsub.topic_id
}

output "pubsub_subscription" {
  description = "Pub/Sub subscription shared by every sync consumer instance."
  value       = module.pubsub.subscription_id
}

output "pubsub_dead_letter_topic" {
  description = "Topic receiving messages that could not be applied."
  value       = module.pubsub.dead_letter_topic_id
}

output "bigquery_dataset" {
  description = "Fully qualified BigQuery dataset (PROJECT.DATASET)."
  value       = module.bigquery.dataset_full_id
}

output "service_accounts" {
  description = "Service account email of each workload."
  value = {
    api       = module.sa_api.email
    consumer  = module.sa_consumer.email
    debezium  = module.sa_debezium.email
    analytics = module.sa_analytics.email
  }
}

output "consumer_url" {
  description = "Cloud Run URL of the sync consumer (health endpoint only), null in datastream mode."
  value       = var.cdc_mode == "debezium" ? module.consumer[0].uri : null
}

output "datastream_stream" {
  description = "Datastream stream id, null in debezium mode."
  value       = var.cdc_mode == "datastream" ? module.datastream[0].stream_id : null
}
