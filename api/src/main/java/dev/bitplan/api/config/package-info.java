/** Configuration mappings of the api (datasource, blob store, Kafka topics); filled with issue 4. */
package dev.bitplan.api.config;
