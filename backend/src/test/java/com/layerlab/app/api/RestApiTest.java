package com.layerlab.app.api;

/** The REST API's contract on the embedded H2 database (the tests' in-memory one). */
class RestApiTest extends RestApiContract {
}
