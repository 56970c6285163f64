output "topic_id" {
  description = "Full id of the change topic."
  value       = google_pubsub_topic.changes.id
}

output "topic_name" {
  description = "Short name of the change topic (Debezium Server destination)."
  value       = google_pubsub_topic.changes.name
}

output "subscription_id" {
  description = "Full id of the consumer subscription."
  value       = google_pubsub_subscription.consumer.id
}

output "subscription_name" {
  description = "Short name of the consumer subscription."
  value       = google_pubsub_subscription.consumer.name
}

output "dead_letter_topic_id" {
  description = "Full id of the dead-letter topic."
  value       = google_pubsub_topic.dead_letter.id
}

output "dead_letter_topic_name" {
  description = "Short name of the dead-letter topic."
  value       = google_pubsub_topic.dead_letter.name
}
