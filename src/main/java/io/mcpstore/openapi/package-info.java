/**
 * OpenAPI import: an OpenAPI 3.0/3.1 document as the entry of a {@code rest} service.
 *
 * <p>Public surface: {@link io.mcpstore.openapi.OpenApiImport#convert} (blocking), with its {@code Options} and
 * {@code Result}. Inside: {@code SchemaRefs} inlines local references and speaks JSON Schema 2020-12, {@code
 * SecurityMapping} turns security schemes into auth, headers and query with secrets left as references, {@code
 * ToolNames} names the tools, {@code Templates} writes the body templates an import needs.
 */
package io.mcpstore.openapi;
