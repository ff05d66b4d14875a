package com.layerlab.app.account;

/** The accounts part of the REST API on the embedded H2 database (the tests' in-memory one). */
class AccountApiTest extends AccountApiContract {
}
