variable "project_id" {
  description = "Google Cloud project that hosts every Riverbed resource."
  type        = string
}

variable "region" {
  description = "Region for Cloud SQL, Cloud Run, Artifact Registry, Datastream and the VPC subnet."
  type        = string
  default     = "europe-west1"
}

variable "name" {
  description = "Prefix of every resource name (lowercase letters, digits and dashes)."
  type        = string
  default     = "riverbed"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,20}$", var.name))
    error_message = "name must be 3-21 lowercase letters, digits or dashes and start with a letter."
  }
}

variable "image_tag" {
  description = "Tag of the riverbed-api, riverbed-ingestor and riverbed-debezium images pushed to Artifact Registry."
  type        = string
}

variable "cdc_mode" {
  description = "How changes leave Cloud SQL: \"debezium\" (Debezium Server -> Pub/Sub -> riverbed consumer -> BigQuery) or \"datastream\" (managed Datastream -> BigQuery, no consumer)."
  type        = string
  default     = "debezium"

  validation {
    condition     = contains(["debezium", "datastream"], var.cdc_mode)
    error_message = "cdc_mode must be \"debezium\" or \"datastream\"."
  }
}

variable "database_tier" {
  description = "Cloud SQL machine tier."
  type        = string
  default     = "db-custom-2-7680"
}

variable "database_version" {
  description = "Cloud SQL PostgreSQL major version."
  type        = string
  default     = "POSTGRES_16"
}

variable "database_name" {
  description = "Name of the application database in Cloud SQL."
  type        = string
  default     = "riverbed"
}

variable "captured_tables" {
  description = "Tables captured by CDC, as schema.table."
  type        = list(string)
  default     = ["public.pages", "public.videos", "public.insights"]
}

variable "bigquery_location" {
  description = "BigQuery dataset location (multi-region EU/US or a region)."
  type        = string
  default     = "EU"
}

variable "bigquery_dataset" {
  description = "BigQuery dataset receiving mirror tables and change logs."
  type        = string
  default     = "riverbed_cdc"
}

variable "consumer_max_instances" {
  description = "Upper bound of sync consumer instances sharing the Pub/Sub subscription."
  type        = number
  default     = 3
}

variable "api_max_instances" {
  description = "Upper bound of API instances."
  type        = number
  default     = 10
}

variable "dead_letter_max_delivery_attempts" {
  description = "Deliveries of one message before Pub/Sub moves it to the dead-letter topic (5-100)."
  type        = number
  default     = 10
}

variable "deletion_protection" {
  description = "Protect Cloud SQL and BigQuery from terraform destroy."
  type        = bool
  default     = true
}
