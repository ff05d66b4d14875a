package com.layerlab.app.api;

/** The API's rate limit over HTTP on the embedded H2 database (the tests' in-memory one). */
class ApiRateLimitHttpTest extends ApiRateLimitContract {
}
