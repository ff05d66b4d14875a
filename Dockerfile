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

# Run: a JRE, a non-root user, everything the app keeps in one volume, /data: the H2 database
# (layerlab-store.mv.db, unless SPRING_DATASOURCE_URL names PostgreSQL: compose.yaml), the runs' folders
# (runs/: TensorBoard files, checkpoints) and the data sets (cifar10/, uploaded folders/).
# .ci/image-check runs the same jar with this ENTRYPOINT and ENV and checks what HEALTHCHECK checks.
FROM eclipse-temurin:17-jre
# curl: for the HEALTHCHECK below
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /home/layerlab layerlab \
 && mkdir -p /data && chown layerlab /data
COPY --from=build /src/backend/target/layerlab.jar /app/layerlab.jar
USER layerlab
VOLUME /data
ENV LAYERLAB_DATA_DIR=/data \
    LAYERLAB_RUNS_DIR=/data/runs
EXPOSE 8080
# /actuator/health is open (the rest of /actuator is for admins); UP once the database answers.
# The first start migrates the database: give it a minute.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS "http://localhost:${PORT:-8080}/actuator/health" >/dev/null || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/layerlab.jar"]
