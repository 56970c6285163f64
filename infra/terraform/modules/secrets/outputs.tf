output "secret_ids" {
  description = "Short id -> Secret Manager secret id, for Cloud Run secret env vars."
  value       = { for k, s in google_secret_manager_secret.this : k => s.secret_id }
}
