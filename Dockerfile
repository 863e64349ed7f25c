# agate's container image: the static x86_64 Linux binary that scripts/build-release builds,
# on Alpine with git (agate reads history: which lines are new, which are AI-authored), run
# as a non-root user. Building, and using it in GitLab CI, Tekton and Argo Workflows:
# docs/install.md.
#
#   docker build --build-arg AGATE_BUILD_COMMIT="$(git rev-parse HEAD)" \
#     --build-arg SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)" -t agate .
#   docker run --rm -v "$PWD:/work" agate gate .

FROM rust:1.95-bookworm AS build
# The commit and date `agate --version` shows (.git is not sent to the build).
ARG AGATE_BUILD_COMMIT=""
ARG SOURCE_DATE_EPOCH=""
WORKDIR /src
COPY . .
RUN scripts/build-release

FROM alpine:3.22
# safe.directory: CI systems mount the checkout owned by another user than this image's.
RUN apk add --no-cache git bash ca-certificates \
    && adduser -D -u 10001 -h /home/agate agate \
    && git config --system --add safe.directory '*'
COPY --from=build /src/target/x86_64-unknown-linux-gnu/dist/agate /usr/local/bin/agate
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["agate"]
CMD ["--help"]
