"""One download with OpenAI's Python SDK, the way its docs stream a video to a file:
`client.videos.with_streaming_response.download_content(id)` then `stream_to_file(OUT)`, from
bench_transfer's local server (`/v1/videos/{id}/content`, the id being the size in bytes).
Prints SECS= the download's own time, without the interpreter's start and the imports (which
would cost the SDK ~0.5 s more)."""

import sys
import time

from openai import OpenAI

video_id, base, out = sys.argv[1], sys.argv[2], sys.argv[3]
client = OpenAI(base_url=base.rstrip("/") + "/v1", api_key="bench-key", max_retries=0)
started = time.perf_counter()
with client.videos.with_streaming_response.download_content(video_id) as response:
    response.stream_to_file(out)
print(f"SECS={time.perf_counter() - started:.6f}")
