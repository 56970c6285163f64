output "dataset_id" {
  description = "Dataset id."
  value       = google_bigquery_dataset.this.dataset_id
}

output "dataset_full_id" {
  description = "PROJECT.DATASET."
  value       = "${var.project_id}.${google_bigquery_dataset.this.dataset_id}"
}
