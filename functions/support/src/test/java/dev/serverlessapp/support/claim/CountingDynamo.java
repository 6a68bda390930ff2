package dev.serverlessapp.support.claim;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The real client, counting its reads: a test waits until a second caller has looked at a claim (and
 * so found it in progress) before it lets the first caller finish, instead of sleeping and hoping.
 */
public final class CountingDynamo {

    public final AtomicInteger reads = new AtomicInteger();

    public DynamoDbAsyncClient wrap(DynamoDbAsyncClient client) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("getItem")) {
                reads.incrementAndGet();
            }
            try {
                return method.invoke(client, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (DynamoDbAsyncClient) Proxy.newProxyInstance(DynamoDbAsyncClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbAsyncClient.class}, handler);
    }
}
