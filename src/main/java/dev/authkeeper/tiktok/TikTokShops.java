package dev.authkeeper.tiktok;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.authkeeper.config.AuthKeeperConfig;
import dev.authkeeper.table.TableLayout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which seller's grant covers a TikTok Shop shop, by shop id: TikTok's notifications name the shop,
 * connections name the seller ({@code open_id}). Written when a seller connects (the shops the grant
 * covers then), read when a notification arrives. An index only: a shop whose seller has no
 * connection (any more) is answered as an unknown account.
 */
@ApplicationScoped
public class TikTokShops {

    static final String PREFIX = "TIKTOKSHOP#";
    static final String SORT = "SHOP";

    /** The seller of a shop, and the app the grant was given to. */
    public record Seller(String app, String openId) {
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public TikTokShops(DynamoDbClient dynamo, AuthKeeperConfig config) {
        this.dynamo = dynamo;
        this.table = config.table();
    }

    public void record(String app, String openId, List<String> shopIds, Instant now) {
        for (String shop : shopIds) {
            var item = new HashMap<>(key(app, shop));
            item.put("openId", AttributeValue.fromS(openId));
            item.put("recordedAt", AttributeValue.fromS(now.toString()));
            dynamo.putItem(r -> r.tableName(table).item(item));
        }
    }

    public Optional<Seller> of(String app, String shopId) {
        var item = dynamo.getItem(r -> r.tableName(table).key(key(app, shopId))).item();
        return item == null || !item.containsKey("openId") ? Optional.empty() : Optional.of(new Seller(app, item.get("openId").s()));
    }

    private static Map<String, AttributeValue> key(String app, String shopId) {
        return Map.of(TableLayout.PK, AttributeValue.fromS(PREFIX + app + "#" + shopId), TableLayout.SK, AttributeValue.fromS(SORT));
    }
}
