"""What a long-running process does once it has started (web workers, ingest processes)."""

import gc

# Allocations (net of deallocations) between two collections of the youngest generation, then how many of those
# before a middle one and of these before a full one. Python's 700 suits a script; a batch of 3,000 camera events
# keeps tens of thousands of dicts and tuples alive while it is prepared and written, and the collector ran about 70
# times a batch (64 young, 6 middle, a full one every other batch), walking those live objects and promoting them
# into older generations: 8 % of an MQTT message's cost, 6.7 of 83 µs (measured by gc.callbacks on this machine,
# 12,000 Frigate reviews); with these, one young collection in four batches. A cycle still goes at the next young
# collection.
YOUNG_COLLECTION_EVERY = (50_000, 20, 10)


def settle_heap(*, load_urls: bool = False) -> None:
    """Move everything the process built while starting (Django's settings, apps, models, URLconf…) out of the
    cyclic garbage collector's reach, for good: otherwise each full collection walks those hundreds of thousands of
    objects again, and a stream of camera events, which allocates dicts by the thousand, triggers one every few
    batches (a fifth of the ingestion time, bench/supervision_storm.py). Call it once, when starting is done;
    `load_urls` first imports what the first request would (the URLconf and its views). The young generation is
    then collected every YOUNG_COLLECTION_EVERY allocations instead of 700."""
    if load_urls:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
    gc.collect()
    gc.freeze()
    gc.set_threshold(*YOUNG_COLLECTION_EVERY)
