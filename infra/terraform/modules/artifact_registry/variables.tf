variable "project_id" {
  description = "Project of the repository."
  type        = string
}

variable "region" {
  description = "Location of the repository."
  type        = string
}

variable "repository_id" {
  description = "Repository id."
  type        = string
}

variable "reader_members" {
  description = "IAM members pulling images (Cloud Run service accounts)."
  type        = list(string)
  default     = []
}

variable "keep_versions" {
  description = "Most recent image versions kept by the cleanup policy."
  type        = number
  default     = 20
}
