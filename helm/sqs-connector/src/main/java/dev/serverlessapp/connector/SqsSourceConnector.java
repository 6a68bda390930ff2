package dev.serverlessapp.connector;

import org.apache.camel.CamelContext;
import org.apache.camel.component.knative.KnativeComponent;
import org.apache.camel.component.knative.http.KnativeHttpProducerFactory;
import org.apache.camel.component.knative.http.KnativeSslClientOptions;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * Knative's SQS source connector on Camel Main: the route and properties of eventing-integrations'
 * aws-sqs-source (resources under {@code aws-sqs-source/}), configured by the environment Knative
 * gives its container. The two beans below are what its Quarkus app gets from elsewhere: the Knative
 * component's HTTP producer (camel-quarkus-knative) and the client options ({@code SourceOptions},
 * with OIDC off).
 */
public final class SqsSourceConnector {

    private SqsSourceConnector() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("classpath:aws-sqs-source/application.properties");
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport base) {
                CamelContext context = base.getCamelContext();
                KnativeComponent knative = new KnativeComponent();
                knative.setProducerFactory(new KnativeHttpProducerFactory(context));
                context.addComponent("knative", knative);
                context.getRegistry().bind("knativeHttpClientOptions", new KnativeSslClientOptions(context));
            }
        });
        main.run(args);
    }
}
