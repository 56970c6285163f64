variable "project_id" {
  description = "Project of the instance."
  type        = string
}

variable "region" {
  description = "Region of the instance."
  type        = string
}

variable "name" {
  description = "Prefix of resource names; the instance is NAME-pg."
  type        = string
}

variable "network_id" {
  description = "VPC self link for the private IP."
  type        = string
}

variable "services_connection" {
  description = "Private service access connection id (ordering only)."
  type        = string
}

variable "database_name" {
  description = "Application database."
  type        = string
}

variable "database_version" {
  description = "POSTGRES_15, POSTGRES_16, ..."
  type        = string
  default     = "POSTGRES_16"
}

variable "tier" {
  description = "Machine tier."
  type        = string
  default     = "db-custom-2-7680"
}

variable "high_availability" {
  description = "Regional (HA) instead of zonal."
  type        = bool
  default     = false
}

variable "app_user" {
  description = "User of the API and migrations."
  type        = string
  default     = "riverbed"
}

variable "replication_user" {
  description = "User with the REPLICATION attribute used by Debezium Server or Datastream."
  type        = string
  default     = "riverbed_replication"
}

variable "deletion_protection" {
  description = "Refuse terraform destroy on the instance."
  type        = bool
  default     = true
}
