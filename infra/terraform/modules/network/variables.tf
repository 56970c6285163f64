variable "project_id" {
  description = "Project of the VPC."
  type        = string
}

variable "region" {
  description = "Region of the subnet used by Cloud Run Direct VPC egress."
  type        = string
}

variable "name" {
  description = "Prefix of resource names."
  type        = string
}

variable "subnet_cidr" {
  description = "CIDR of the regional subnet."
  type        = string
  default     = "10.10.0.0/24"
}
