/**
 * A {@code transport: rest} service: an MCP server inside the gateway whose tools are HTTP calls to an API.
 *
 * <p>Public surface: {@link io.mcpstore.upstream.rest.RestServer} (what {@code RestTransport} talks JSON-RPC to,
 * and {@link io.mcpstore.upstream.rest.RestServer#DRY_RUN}) and {@link io.mcpstore.upstream.rest.PrivateNetwork} (the
 * address rule the admin API shares). Inside: {@code RestTool} (a tool's schema, argument check and request),
 * {@code Templates} (Handlebars and its helpers), {@code Selection} (JSON Pointer or JsonPath), {@code RestApi}
 * (what every request carries), {@code HttpCaller} (the private-network check after DNS, redirects, size cap,
 * retries), {@code OAuthTokens} and {@code Answers} (an HTTP answer as an MCP result).
 */
package io.mcpstore.upstream.rest;
