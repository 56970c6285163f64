output "service_name" {
  description = "Cloud Run service of Debezium Server."
  value       = google_cloud_run_v2_service.debezium.name
}

output "db_init_job" {
  description = "Cloud Run job to execute once before Debezium Server starts."
  value       = google_cloud_run_v2_job.db_init.name
}

output "offsets_bucket" {
  description = "Bucket holding the connector offsets."
  value       = google_storage_bucket.offsets.name
}
