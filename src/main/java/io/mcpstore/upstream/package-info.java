/**
 * Everything the gateway needs to talk to one upstream MCP server.
 *
 * <p>Public surface: {@link io.mcpstore.upstream.UpstreamVerticle} (deploy one per service with {@code
 * ServiceConfig.toJson()} as its config; it serves {@code Addresses.upstream(name)} and publishes {@code
 * CATALOG_CHANGED} and {@code UPSTREAM_STATE}), {@link io.mcpstore.upstream.UpstreamState}, and the reusable {@link
 * io.mcpstore.upstream.SseParser}.
 *
 * <p>Inside, from the wire up: a {@code Transport} moves JSON-RPC messages ({@code StdioTransport} for a child
 * process, {@code StreamableHttpTransport}, legacy {@code SseTransport}, and {@code RestTransport}, whose "server" is
 * the in-process {@link io.mcpstore.upstream.rest.RestServer} turning tool calls into HTTP API calls); a {@code JsonRpcPeer} correlates requests
 * and responses and times calls out; an {@code McpClient} runs the handshake and fetches paginated lists into the
 * {@code Catalog}; the verticle owns the state machine around them. {@code ChildProcesses} makes sure no child
 * process outlives the JVM.
 */
package io.mcpstore.upstream;
