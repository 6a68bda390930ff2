package dev.serverlessapp.connector;

import org.apache.camel.CamelContext;
import org.apache.camel.component.knative.KnativeComponent;
import org.apache.camel.component.knative.http.KnativeHttpConsumerFactory;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * Knative's SQS sink connector (the IntegrationSink's {@code aws-sqs-sink}) on Camel Main: the route and
 * properties of eventing-integrations' aws-sqs-sink (resources under {@code aws-sqs-sink/}), configured
 * by the environment Knative gives its container. The Knative component gets its HTTP consumer as
 * camel-quarkus-knative gives it one; Camel Main's HTTP server (port: the first argument) stands in
 * for Quarkus'.
 */
public final class SqsSinkConnector {

    private SqsSinkConnector() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("classpath:aws-sqs-sink/application.properties");
        main.addOverrideProperty("camel.server.port", args[0]);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport base) {
                CamelContext context = base.getCamelContext();
                KnativeComponent knative = new KnativeComponent();
                knative.setConsumerFactory(new KnativeHttpConsumerFactory(context));
                context.addComponent("knative", knative);
            }
        });
        main.run();
    }
}
