variable "project_id" {
  description = "Project of the stream."
  type        = string
}

variable "region" {
  description = "Region of the stream."
  type        = string
}

variable "name" {
  description = "Prefix of resource ids."
  type        = string
}

variable "network_id" {
  description = "VPC the private connection peers with."
  type        = string
}

variable "datastream_cidr" {
  description = "Free /29 range for Datastream's peering."
  type        = string
  default     = "10.10.1.0/29"
}

variable "source_host" {
  description = "Address Datastream connects to (Cloud SQL Auth Proxy VM in the VPC)."
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

variable "replication_password" {
  description = "Its password."
  type        = string
  sensitive   = true
}

variable "publication_name" {
  description = "Publication created by the db-init job."
  type        = string
  default     = "riverbed_cdc"
}

variable "slot_name" {
  description = "Replication slot dedicated to Datastream."
  type        = string
  default     = "riverbed_datastream"
}

variable "captured_tables" {
  description = "schema.table list."
  type        = list(string)
}

variable "dataset_id" {
  description = "Destination BigQuery dataset."
  type        = string
}

variable "max_staleness" {
  description = "BigQuery max_staleness of the merged tables (cost vs freshness)."
  type        = string
  default     = "900s"
}
