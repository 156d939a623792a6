"""What a long-running process does once it has started (web workers, ingest processes)."""

import gc


def settle_heap(*, load_urls: bool = False) -> None:
    """Move everything the process built while starting (Django's settings, apps, models, URLconf…) out of the
    cyclic garbage collector's reach, for good: otherwise each full collection walks those hundreds of thousands of
    objects again, and a stream of camera events, which allocates dicts by the thousand, triggers one every few
    batches (a fifth of the ingestion time, bench/supervision_storm.py). Call it once, when starting is done;
    `load_urls` first imports what the first request would (the URLconf and its views)."""
    if load_urls:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
    gc.collect()
    gc.freeze()
