# Builds paraprint and runs it on a slim Debian. The configuration defaults are compiled in;
# override them with PARAPRINT_* environment variables or a mounted file named by
# PARAPRINT_CONFIG.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 paraprint \
    && mkdir -p /var/lib/paraprint && chown paraprint /var/lib/paraprint
# The embedded store's default folder (store.path = paraprint-state) lands here; mount a volume
# on /var/lib/paraprint to keep it across container restarts.
WORKDIR /var/lib/paraprint
COPY --from=build /src/target/release/paraprint /usr/local/bin/paraprint
USER paraprint
# /metrics, /healthz and /readyz; inside a container they must listen on every interface.
ENV PARAPRINT_METRICS__LISTEN=0.0.0.0:9102
EXPOSE 9102
HEALTHCHECK --interval=10s --timeout=10s --start-period=30s CMD ["paraprint", "health", "--ready"]
ENTRYPOINT ["paraprint"]
CMD ["run"]
