variable "project_id" {
  description = "Project of the secrets."
  type        = string
}

variable "name" {
  description = "Prefix of secret ids."
  type        = string
}

variable "secret_ids" {
  description = "Short ids of the secrets (not sensitive, used as keys)."
  type        = list(string)
}

variable "secret_values" {
  description = "Value of each secret id."
  type        = map(string)
  sensitive   = true
}

variable "accessors" {
  description = "Secret id -> IAM members allowed to read it (least privilege: per secret)."
  type        = map(list(string))
  default     = {}
}
