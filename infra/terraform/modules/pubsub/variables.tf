variable "project_id" {
  description = "Project of the topics."
  type        = string
}

variable "name" {
  description = "Prefix: topics NAME-cdc and NAME-cdc-dead-letter, subscription NAME-cdc-consumer."
  type        = string
}

variable "publisher_members" {
  description = "IAM members allowed to publish change events (Debezium Server)."
  type        = list(string)
  default     = []
}

variable "subscriber_members" {
  description = "IAM members allowed to consume the subscription (sync consumers)."
  type        = list(string)
  default     = []
}

variable "max_delivery_attempts" {
  description = "Deliveries before a message goes to the dead-letter topic (5-100)."
  type        = number
  default     = 10
}

variable "ack_deadline_seconds" {
  description = "Ack deadline; the client extends it while a batch is being applied."
  type        = number
  default     = 60
}

variable "topic_retention" {
  description = "How long the topic keeps messages for seek/replay."
  type        = string
  default     = "604800s"
}
