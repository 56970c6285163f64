variable "project_id" {
  description = "Project of the dataset."
  type        = string
}

variable "dataset_id" {
  description = "Dataset id (letters, digits, underscores)."
  type        = string
}

variable "location" {
  description = "Dataset location."
  type        = string
}

variable "writer_members" {
  description = "IAM members that create tables and run MERGE (sync consumer, Datastream)."
  type        = list(string)
  default     = []
}

variable "reader_members" {
  description = "IAM members that only query (analytics jobs)."
  type        = list(string)
  default     = []
}

variable "deletion_protection" {
  description = "Keep tables when the dataset is destroyed."
  type        = bool
  default     = true
}
