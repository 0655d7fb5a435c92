# selector serve: the decision API, one replica per container.
#   docker build -t selector-serve .
#   docker run -p 8181:8181 -v "$PWD/policies:/policies:ro" selector-serve
# Overlays and rule folders: mount them and add --kb /overlays/FILE.trig, --rules /rules to the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SELECTOR_CACHE_DIR=/home/selector/.cache/selector

RUN useradd --create-home --uid 10001 selector
WORKDIR /src
COPY pyproject.toml README.md ./
COPY selector ./selector
COPY ontology ./ontology
COPY rules ./rules
RUN python -m pip install --no-cache-dir '.[serve]' && rm -rf /src

USER selector
WORKDIR /home/selector
# Compile the shipped knowledge base and rules once, at build time: every replica of the image
# then loads the same compiled snapshot in a second or two instead of compiling on start.
RUN python -c "from selector import Selector; Selector()"

EXPOSE 8181
HEALTHCHECK --interval=30s --timeout=3s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8181/healthz', timeout=2)"
# Inside a container the server must listen on every interface; the host or the load balancer
# decides who reaches it. A reload is a SIGHUP (docker kill -s HUP CONTAINER).
CMD ["selector", "serve", "--constraints-dir", "/policies", "--host", "0.0.0.0", "--port", "8181"]
