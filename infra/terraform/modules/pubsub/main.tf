# One topic for every captured table (Debezium Server routes all tables to it), one ordered
# subscription shared by every sync consumer instance, and a dead-letter topic.

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

resource "google_pubsub_topic" "changes" {
  project                    = var.project_id
  name                       = "${var.name}-cdc"
  message_retention_duration = var.topic_retention
}

resource "google_pubsub_topic" "dead_letter" {
  project                    = var.project_id
  name                       = "${var.name}-cdc-dead-letter"
  message_retention_duration = "604800s"
}

resource "google_pubsub_subscription" "consumer" {
  project = var.project_id
  name    = "${var.name}-cdc-consumer"
  topic   = google_pubsub_topic.changes.id

  # Debezium Server publishes with ordering key = the row's primary key: every change of a row
  # reaches the consumers in commit order.
  enable_message_ordering    = true
  ack_deadline_seconds       = var.ack_deadline_seconds
  message_retention_duration = "604800s"
  retain_acked_messages      = false

  expiration_policy {
    ttl = ""
  }

  retry_policy {
    minimum_backoff = "5s"
    maximum_backoff = "300s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }
}

# Keeps dead letters until someone looks at them (`gcloud pubsub subscriptions pull`).
resource "google_pubsub_subscription" "dead_letter" {
  project                    = var.project_id
  name                       = "${var.name}-cdc-dead-letter-inspect"
  topic                      = google_pubsub_topic.dead_letter.id
  message_retention_duration = "604800s"

  expiration_policy {
    ttl = ""
  }
}

# The Pub/Sub service agent forwards undeliverable messages: it must publish to the dead-letter
# topic and acknowledge on the source subscription.
resource "google_pubsub_topic_iam_member" "agent_dead_letter_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "agent_subscriber" {
  project      = var.project_id
  subscription = google_pubsub_subscription.consumer.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

resource "google_pubsub_topic_iam_member" "publishers" {
  for_each = toset(var.publisher_members)
  project  = var.project_id
  topic    = google_pubsub_topic.changes.name
  role     = "roles/pubsub.publisher"
  member   = each.value
}

resource "google_pubsub_subscription_iam_member" "subscribers" {
  for_each     = toset(var.subscriber_members)
  project      = var.project_id
  subscription = google_pubsub_subscription.consumer.name
  role         = "roles/pubsub.subscriber"
  member       = each.value
}

# Consumers publish unparseable messages to the dead-letter topic themselves, then ack them.
resource "google_pubsub_topic_iam_member" "dead_letter_publishers" {
  for_each = toset(var.subscriber_members)
  project  = var.project_id
  topic    = google_pubsub_topic.dead_letter.name
  role     = "roles/pubsub.publisher"
  member   = each.value
}
