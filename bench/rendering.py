"""Render benchmark: the largest corpus document through ``render_markdown``, cold and cached."""

from bench import corpus
from bench.report import Result
from bench.timing import median, peak_rss_result, percentile, repeat_call, time_call
from guidelines.text.markdown import clear_render_cache, render_markdown


def cold_durations(text: str, runs: int) -> list[float]:
    """Return the durations of ``runs`` renders of ``text``, each after emptying the cache."""
    durations = []
    for _ in range(runs):
        clear_render_cache()
        durations.append(time_call(lambda: render_markdown(text)))
    return durations


def run(quick: bool) -> list[Result]:
    """Time cold and cached renders of the largest document of the corpus."""
    path = corpus.largest_document()
    text = corpus.read(path)
    size = f"{path.parent.name}/{path.name}, {len(text.encode()) / 1024:.0f} KB"
    render_markdown(text)  # warm up: the first call in a process pays one-off setup costs
    cold = cold_durations(text, runs=5 if quick else 20)
    render_markdown(text)  # fill the cache
    cached = repeat_call(lambda: render_markdown(text), runs=200 if quick else 5000)
    clear_render_cache()
    return [
        Result("render largest doc, cold, median", median(cold) * 1e3, "ms", note=size),
        Result("render largest doc, cold, p95", percentile(cold, 0.95) * 1e3, "ms"),
        Result("render largest doc, cached, median", median(cached) * 1e6, "µs"),
        peak_rss_result("render"),
    ]
