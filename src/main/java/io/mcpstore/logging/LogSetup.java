package io.mcpstore.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Logging set up in code rather than from logback.xml: parsing XML costs a cold start hundreds of classes. Logs go
 * to stderr, because stdout carries the one "MCPStore listening on" line scripts read (and, for the demo server,
 * the MCP stdio protocol itself). {@code MCPSTORE_LOG_LEVEL} sets the root level; {@code -Dlogback.configurationFile}
 * still wins for those who want a file of their own.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%logger{0}] %msg%n");
        encoder.start();

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getenv("MCPSTORE_LOG_LEVEL"), Level.INFO));
        root.addAppender(stderr);
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("com.hazelcast").setLevel(Level.WARN);
        // A clustered node: the JDK-modules hint (Hazelcast works without the --add-opens it names) and the CP
        // subsystem notice (MCPStore uses no CP structure) are noise at every start; membership changes are logged by
        // ClusterVerticle, and Hazelcast's transient warnings while a member leaves stay visible.
        context.getLogger("com.hazelcast.instance.impl.HazelcastInstanceFactory")
                .setLevel(Level.ERROR);
        context.getLogger("com.hazelcast.cp.CPSubsystem").setLevel(Level.ERROR);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
