# Multi-stage build: compile in the official Rust image, run in a slim Debian as a non-root user.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin unhurried

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/unhurried --create-home unhurried
COPY --from=build /src/target/release/unhurried /usr/local/bin/unhurried
USER unhurried
WORKDIR /var/lib/unhurried
# The database lives on a volume; secrets come from the environment (see .env.example).
VOLUME ["/var/lib/unhurried"]
ENV UNHURRIED_DATABASE__URL=sqlite:///var/lib/unhurried/unhurried.db \
    UNHURRIED_HTTP__ADDR=0.0.0.0:8080 \
    UNHURRIED_LOG__FORMAT=json
EXPOSE 8080
ENTRYPOINT ["unhurried"]
CMD ["serve"]
