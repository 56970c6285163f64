variable "project_id" {
  description = "Project of the service."
  type        = string
}

variable "region" {
  description = "Region of the service."
  type        = string
}

variable "name" {
  description = "Service name."
  type        = string
}

variable "image" {
  description = "Container image (Artifact Registry URL with a pinned tag)."
  type        = string
}

variable "service_account_email" {
  description = "Identity of the service (least privilege, one per workload)."
  type        = string
}

variable "command" {
  description = "Entrypoint override (null keeps the image's)."
  type        = list(string)
  default     = null
}

variable "args" {
  description = "Arguments (null keeps the image's CMD)."
  type        = list(string)
  default     = null
}

variable "port" {
  description = "Port the container listens on ($PORT)."
  type        = number
  default     = 8080
}

variable "health_path" {
  description = "HTTP path of the startup and liveness probes."
  type        = string
  default     = "/health"
}

variable "env" {
  description = "Plain environment variables."
  type        = map(string)
  default     = {}
}

variable "secret_env" {
  description = "Environment variable -> Secret Manager secret id (latest version)."
  type        = map(string)
  default     = {}
}

variable "min_instances" {
  description = "Minimum instances (1 for always-on consumers)."
  type        = number
  default     = 0
}

variable "max_instances" {
  description = "Maximum instances."
  type        = number
  default     = 10
}

variable "cpu" {
  description = "vCPU limit."
  type        = string
  default     = "1"
}

variable "memory" {
  description = "Memory limit."
  type        = string
  default     = "512Mi"
}

variable "cpu_idle" {
  description = "Throttle CPU outside requests (false for background consumers)."
  type        = bool
  default     = true
}

variable "ingress" {
  description = "INGRESS_TRAFFIC_ALL, INGRESS_TRAFFIC_INTERNAL_ONLY, ..."
  type        = string
  default     = "INGRESS_TRAFFIC_ALL"
}

variable "invoker_members" {
  description = "IAM members allowed to call the service (allUsers for a public API)."
  type        = list(string)
  default     = []
}

variable "cloudsql_connection_name" {
  description = "Mount the Cloud SQL connector socket under /cloudsql (null: none)."
  type        = string
  default     = null
}

variable "subnet_id" {
  description = "Subnet for Direct VPC egress (null: none)."
  type        = string
  default     = null
}

variable "request_timeout_seconds" {
  description = "Request timeout."
  type        = number
  default     = 300
}
