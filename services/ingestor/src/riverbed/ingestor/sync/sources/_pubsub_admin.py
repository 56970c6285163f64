"""Pub/Sub settings and topology: change topic, ordered subscription, dead-letter topic."""

from __future__ import annotations

import logging
import os

from google.api_core import exceptions as gexc
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from riverbed.core.errors import ServiceError

__all__ = ["PubSubSettings", "ensure_topology"]

log = logging.getLogger(__name__)


class PubSubSettings(BaseSettings):
    """Where the consumer reads change events (env prefix RIVERBED_INGESTOR_PUBSUB_).

    Set PUBSUB_EMULATOR_HOST (e.g. from `riverbed dev env`) to talk to the local emulator.
    """

    model_config = SettingsConfigDict(env_prefix="RIVERBED_INGESTOR_PUBSUB_", extra="ignore")

    project: str = "riverbed-local"
    topic: str = "riverbed-cdc"
    subscription: str = "riverbed-cdc-consumer"
    dead_letter: str = "riverbed-cdc-dead-letter"
    max_delivery_attempts: int = Field(10, ge=5, le=100)
    ack_deadline_s: int = Field(60, ge=10, le=600)
    # Messages leased at once per consumer instance (flow control); bounds memory.
    max_outstanding: int = Field(20_000, ge=1)
    linger_s: float = Field(0.1, ge=0)

    @property
    def emulator(self) -> str | None:
        """Return the emulator address when one is configured."""
        return os.environ.get("PUBSUB_EMULATOR_HOST") or None


def ensure_topology(ps: PubSubSettings) -> dict[str, str]:
    """Create the topic, dead-letter topic and ordered subscription when missing (idempotent).

    In production Terraform owns them (infra/terraform/modules/pubsub); this is for the emulator
    and for trying things out in a scratch project.
    """
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    publisher = pubsub_v1.PublisherClient()
    subscriber = pubsub_v1.SubscriberClient()
    topic = publisher.topic_path(ps.project, ps.topic)
    dead = publisher.topic_path(ps.project, ps.dead_letter)
    sub = subscriber.subscription_path(ps.project, ps.subscription)
    try:
        for name in (topic, dead):
            try:
                publisher.create_topic(name=name)
                log.info("created topic %s", name)
            except gexc.AlreadyExists:
                pass
        try:
            subscriber.create_subscription(
                request={
                    "name": sub,
                    "topic": topic,
                    "enable_message_ordering": True,
                    "ack_deadline_seconds": ps.ack_deadline_s,
                    "dead_letter_policy": {
                        "dead_letter_topic": dead,
                        "max_delivery_attempts": ps.max_delivery_attempts,
                    },
                }
            )
            log.info("created subscription %s", sub)
        except gexc.AlreadyExists:
            pass
    except gexc.GoogleAPICallError as exc:
        raise ServiceError(f"cannot set up Pub/Sub in project {ps.project}: {exc}") from None
    finally:
        subscriber.close()
    return {"topic": topic, "subscription": sub, "dead_letter": dead}
