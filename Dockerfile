# Build: the production frontend bundle and the Spring Boot jar.
FROM maven:3.9-eclipse-temurin-17 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml ./
COPY datasets datasets
COPY engine engine
COPY backend backend
COPY frontend frontend
RUN mvn -B -DskipTests package

# Run: a JRE, a non-root user, experiments and runs in a volume.
FROM eclipse-temurin:17-jre
RUN useradd --system --create-home --home-dir /home/layerlab layerlab \
 && mkdir -p /data && chown layerlab /data
COPY --from=build /src/backend/target/layerlab.jar /app/layerlab.jar
USER layerlab
VOLUME /data
ENV LAYERLAB_DATA_DIR=/data \
    LAYERLAB_RUNS_DIR=/data/runs
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/layerlab.jar"]
