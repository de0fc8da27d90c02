# syntax=docker/dockerfile:1
# unhurried in a container: compiled in the official Rust image with the same `cargo build --locked`
# as .ci/run (release profile), run as a non-root user in a distroless image that holds only glibc,
# CA certificates and the binary (SQLite is compiled in, time zones are compiled in by chrono-tz).
#
#   docker build --build-arg UNHURRIED_COMMIT="$(git rev-parse --short=12 HEAD)" -t unhurried .
#
# deploy/compose.yaml runs it with a volume, an env file and the health check.

FROM rust:1.95-bookworm AS build
WORKDIR /src
# The dependencies first, in their own layer: it is rebuilt only when Cargo.toml or Cargo.lock
# change, not on every source edit. Empty targets stand in for the sources meanwhile.
COPY Cargo.toml Cargo.lock build.rs ./
RUN mkdir -p src benches \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && for bench in classifier slack_ingest consumer; do echo 'fn main() {}' > "benches/$bench.rs"; done \
    && cargo build --release --locked --bin unhurried \
    && rm -rf src benches
# Then the sources. The commit is passed in: the build context has no .git.
ARG UNHURRIED_COMMIT=unknown
ENV UNHURRIED_COMMIT=${UNHURRIED_COMMIT} \
    CARGO_PROFILE_RELEASE_STRIP=symbols
COPY . .
# Newer than the stand-ins, so cargo rebuilds the crate itself.
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked --bin unhurried \
    && mkdir -p /out/data \
    && cp target/release/unhurried /out/unhurried

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/unhurried /usr/local/bin/unhurried
# The database directory, owned by the image's non-root user (65532) so a new volume is writable.
COPY --from=build --chown=65532:65532 /out/data /var/lib/unhurried
USER 65532:65532
WORKDIR /var/lib/unhurried
VOLUME ["/var/lib/unhurried"]
# Secrets come from the environment or from files (SLACK_BOT_TOKEN_FILE=/run/secrets/…): see
# .env.example and docs/operations.md.
ENV UNHURRIED_DATABASE__URL=sqlite:///var/lib/unhurried/unhurried.db \
    UNHURRIED_HTTP__ADDR=0.0.0.0:8080 \
    UNHURRIED_LOG__FORMAT=json
EXPOSE 8080
# No shell or curl in the image: the binary asks its own /healthz (exit 0 or 1).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["unhurried", "healthcheck"]
# serve exits within shutdown.timeout (10 s) of SIGTERM; give `docker stop` a little more (-t 15).
STOPSIGNAL SIGTERM
ENTRYPOINT ["unhurried"]
CMD ["serve"]
