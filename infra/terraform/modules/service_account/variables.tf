variable "project_id" {
  description = "Project of the service account."
  type        = string
}

variable "account_id" {
  description = "Account id (6-30 characters)."
  type        = string
}

variable "display_name" {
  description = "Human readable name."
  type        = string
}

variable "project_roles" {
  description = "Project-level roles (keep it short: logging, metrics, Cloud SQL client...)."
  type        = list(string)
  default     = []
}
