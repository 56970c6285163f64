output "instance_name" {
  description = "Instance name."
  value       = google_sql_database_instance.this.name
}

output "connection_name" {
  description = "PROJECT:REGION:INSTANCE, for the Cloud SQL connector volume of Cloud Run."
  value       = google_sql_database_instance.this.connection_name
}

output "private_ip" {
  description = "Private IP address."
  value       = google_sql_database_instance.this.private_ip_address
}

output "database_name" {
  description = "Application database."
  value       = google_sql_database.app.name
}

output "app_user" {
  description = "Application user name."
  value       = google_sql_user.app.name
}

output "app_password" {
  description = "Application user password (store it in Secret Manager, never print it)."
  value       = random_password.app.result
  sensitive   = true
}

output "replication_user" {
  description = "Replication user name."
  value       = google_sql_user.replication.name
}

output "replication_password" {
  description = "Replication user password."
  value       = random_password.replication.result
  sensitive   = true
}
