package dev.authkeeper.local;

import java.net.URI;

import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates on the local emulators what {@code template.yaml} creates in AWS: the table with its
 * indexes and TTL, the KMS key with its alias, and the alert topics.
 */
public final class LocalProvisioning {

    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";

    private LocalProvisioning() {
    }

    public static void createTable(URI dynamoEndpoint, String table) {
        try (var dynamo = DynamoDbClient.builder()
                .endpointOverride(dynamoEndpoint)
                .region(Region.of(REGION))
                .credentialsProvider(credentials())
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            dynamo.createTable(r -> r.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            string(TableLayout.PK), string(TableLayout.SK),
                            string(TableLayout.MERCHANT_KEY), string(TableLayout.CONNECTION_ID),
                            string(TableLayout.DUE_SHARD), number(TableLayout.NEXT_CHECK_AT),
                            string(TableLayout.PENDING_ALERT), number(TableLayout.ALERT_AT),
                            string(TableLayout.CHECK_PARTITION), string(TableLayout.CHECK_ORDER))
                    .keySchema(key(TableLayout.PK, KeyType.HASH), key(TableLayout.SK, KeyType.RANGE))
                    .globalSecondaryIndexes(
                            GlobalSecondaryIndex.builder()
                                    .indexName(TableLayout.BY_MERCHANT_INDEX)
                                    .keySchema(key(TableLayout.MERCHANT_KEY, KeyType.HASH), key(TableLayout.CONNECTION_ID, KeyType.RANGE))
                                    .projection(p -> p.projectionType(ProjectionType.INCLUDE).nonKeyAttributes(TableLayout.BY_MERCHANT_ATTRIBUTES))
                                    .build(),
                            GlobalSecondaryIndex.builder()
                                    .indexName(TableLayout.CHECKS_INDEX)
                                    .keySchema(key(TableLayout.CHECK_PARTITION, KeyType.HASH), key(TableLayout.CHECK_ORDER, KeyType.RANGE))
                                    .projection(p -> p.projectionType(ProjectionType.INCLUDE).nonKeyAttributes(TableLayout.CHECKS_ATTRIBUTES))
                                    .build(),
                            index(TableLayout.DUE_INDEX, TableLayout.DUE_SHARD, TableLayout.NEXT_CHECK_AT, ProjectionType.KEYS_ONLY),
                            index(TableLayout.PENDING_ALERTS_INDEX, TableLayout.PENDING_ALERT, TableLayout.ALERT_AT, ProjectionType.ALL)));
            dynamo.updateTimeToLive(r -> r.tableName(table)
                    .timeToLiveSpecification(s -> s.attributeName(TableLayout.TTL).enabled(true)));
        }
    }

    /** A symmetric key reachable under {@code alias}; returns its key id. */
    public static String createKey(URI kmsEndpoint, String alias) {
        try (var kms = KmsClient.builder()
                .endpointOverride(kmsEndpoint)
                .region(Region.of(REGION))
                .credentialsProvider(credentials())
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            String keyId = kms.createKey(r -> r.description("AuthKeeper refresh-token envelopes (local)")).keyMetadata().keyId();
            kms.createAlias(r -> r.aliasName(alias).targetKeyId(keyId));
            return keyId;
        }
    }

    /** The merchant and operator topics, each with an SQS queue subscribed to read what was published. */
    public static Topics createTopics(URI ministackEndpoint, String prefix) {
        try (var sns = SnsClient.builder().endpointOverride(ministackEndpoint).region(Region.of(REGION))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
             var sqs = SqsClient.builder().endpointOverride(ministackEndpoint).region(Region.of(REGION))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
            String merchantTopic = sns.createTopic(r -> r.name(prefix + "-merchant-alerts")).topicArn();
            String operatorTopic = sns.createTopic(r -> r.name(prefix + "-operator-alerts")).topicArn();
            return new Topics(merchantTopic, operatorTopic,
                    subscribedQueue(sns, sqs, merchantTopic, prefix + "-merchant-inbox"),
                    subscribedQueue(sns, sqs, operatorTopic, prefix + "-operator-inbox"));
        }
    }

    public record Topics(String merchantTopicArn, String operatorTopicArn, String merchantQueueUrl, String operatorQueueUrl) {
    }

    /** The queue the sweep planner hands units of work to; returns its URL. */
    public static String createSweepQueue(URI ministackEndpoint, String name) {
        try (var sqs = sqs(ministackEndpoint)) {
            return sqs.createQueue(r -> r.queueName(name)
                    .attributes(java.util.Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "300"))).queueUrl();
        }
    }

    /**
     * The notifications queue Amazon delivers client-secret notifications to, with its dead-letter
     * queue after {@code maxReceives} receives (as the template creates them); returns the queue's URL.
     */
    public static String createNotificationsQueue(URI ministackEndpoint, String name, int maxReceives) {
        try (var sqs = sqs(ministackEndpoint)) {
            String dlq = sqs.createQueue(r -> r.queueName(name + "-dlq")).queueUrl();
            String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            return sqs.createQueue(r -> r.queueName(name).attributes(java.util.Map.of(
                    QueueAttributeName.VISIBILITY_TIMEOUT, "5",
                    QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceives + "\"}")))
                    .queueUrl();
        }
    }

    /** A Secrets Manager secret holding an app's client secret as the template's app secrets do; returns its ARN. */
    public static String createClientSecret(URI ministackEndpoint, String name, String clientSecret) {
        try (var secrets = secretsManager(ministackEndpoint)) {
            return secrets.createSecret(r -> r.name(name).secretString("{\"clientSecret\":\"" + clientSecret + "\"}")).arn();
        }
    }

    public static SecretsManagerClient secretsManager(URI ministackEndpoint) {
        return SecretsManagerClient.builder().endpointOverride(ministackEndpoint).region(Region.of(REGION))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** The event bus, with a rule that sends every AuthKeeper event to an SQS queue to read them back; returns the queue URL. */
    public static String createEventBus(URI ministackEndpoint, String bus, String source) {
        try (var events = EventBridgeClient.builder().endpointOverride(ministackEndpoint).region(Region.of(REGION))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
             var sqs = sqs(ministackEndpoint)) {
            events.createEventBus(r -> r.name(bus));
            String url = sqs.createQueue(r -> r.queueName(bus + "-inbox")).queueUrl();
            String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            events.putRule(r -> r.name(bus + "-all").eventBusName(bus).eventPattern("{\"source\":[\"" + source + "\"]}"));
            events.putTargets(r -> r.rule(bus + "-all").eventBusName(bus).targets(t -> t.id("inbox").arn(arn)));
            return url;
        }
    }

    private static String subscribedQueue(SnsClient sns, SqsClient sqs, String topicArn, String name) {
        String url = sqs.createQueue(r -> r.queueName(name)).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(arn));
        return url;
    }

    public static SqsClient sqs(URI ministackEndpoint) {
        return SqsClient.builder().endpointOverride(ministackEndpoint).region(Region.of(REGION))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static AttributeDefinition number(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.N).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static GlobalSecondaryIndex index(String name, String partition, String sort, ProjectionType projection) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(key(partition, KeyType.HASH), key(sort, KeyType.RANGE))
                .projection(p -> p.projectionType(projection))
                .build();
    }
}
