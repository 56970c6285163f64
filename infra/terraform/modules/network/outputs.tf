output "network_id" {
  description = "Self link of the VPC."
  value       = google_compute_network.this.id
}

output "subnet_id" {
  description = "Self link of the regional subnet."
  value       = google_compute_subnetwork.this.id
}

output "services_connection" {
  description = "Private service access connection (Cloud SQL private IP depends on it)."
  value       = google_service_networking_connection.services.id
}
