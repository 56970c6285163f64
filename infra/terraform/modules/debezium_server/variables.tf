variable "project_id" {
  description = "Project of the service."
  type        = string
}

variable "region" {
  description = "Region of the service and the offsets bucket."
  type        = string
}

variable "name" {
  description = "Prefix: service NAME-debezium, job NAME-db-init."
  type        = string
}

variable "image" {
  description = "Debezium Server image built from connectors/debezium-server/ (pinned tag)."
  type        = string
}

variable "psql_image" {
  description = "Image with psql for the db-init job."
  type        = string
  default     = "postgres:16.4-alpine"
}

variable "service_account_email" {
  description = "Identity of Debezium Server (Pub/Sub publisher on one topic, one secret)."
  type        = string
}

variable "subnet_id" {
  description = "Subnet for Direct VPC egress to the Cloud SQL private IP."
  type        = string
}

variable "database_host" {
  description = "Cloud SQL private IP."
  type        = string
}

variable "database_name" {
  description = "Captured database."
  type        = string
}

variable "replication_user" {
  description = "User with the REPLICATION attribute."
  type        = string
}

variable "replication_password_secret_id" {
  description = "Secret Manager secret id of the replication password."
  type        = string
}

variable "admin_user" {
  description = "cloudsqlsuperuser member that grants REPLICATION and creates the publication."
  type        = string
}

variable "admin_password_secret_id" {
  description = "Secret Manager secret id of the admin password."
  type        = string
}

variable "topic_name" {
  description = "Pub/Sub topic every table is routed to."
  type        = string
}

variable "captured_tables" {
  description = "schema.table list captured (table.include.list and the publication)."
  type        = list(string)
}

variable "publication_name" {
  description = "Postgres publication (pgoutput)."
  type        = string
  default     = "riverbed_cdc"
}

variable "slot_name" {
  description = "Replication slot."
  type        = string
  default     = "riverbed_debezium"
}
