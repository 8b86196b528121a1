package dev.authkeeper.table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * An UpdateItem expression and its condition, built attribute by attribute: every attribute is
 * named {@code #attribute} and every value {@code :attribute} (or {@code :if_attribute} in the
 * condition), so no write spells out its placeholders by hand.
 */
public final class ItemUpdate {

    private final Map<String, AttributeValue> key;
    private final List<String> sets = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, AttributeValue> values = new LinkedHashMap<>();

    private ItemUpdate(Map<String, AttributeValue> key) {
        this.key = key;
    }

    public static ItemUpdate of(Map<String, AttributeValue> key) {
        return new ItemUpdate(key);
    }

    public ItemUpdate set(String attribute, AttributeValue value) {
        sets.add(name(attribute) + " = " + value(attribute, value));
        return this;
    }

    /** Sets the attribute only where the item has none yet. */
    public ItemUpdate setIfAbsent(String attribute, AttributeValue value) {
        sets.add(name(attribute) + " = if_not_exists(" + name(attribute) + ", " + value(attribute, value) + ")");
        return this;
    }

    /** Adds one to a number attribute that starts at zero when absent. */
    public ItemUpdate increment(String attribute) {
        values.put(":zero", AttributeValue.fromN("0"));
        values.put(":one", AttributeValue.fromN("1"));
        sets.add(name(attribute) + " = if_not_exists(" + name(attribute) + ", :zero) + :one");
        return this;
    }

    public ItemUpdate remove(String... attributes) {
        for (String attribute : attributes) {
            removes.add(name(attribute));
        }
        return this;
    }

    /** A condition {@code attribute <operator> value}, e.g. {@code when("version", "=", n(3))}. */
    public ItemUpdate when(String attribute, String operator, AttributeValue value) {
        String placeholder = ":if_" + attribute;
        values.put(placeholder, value);
        conditions.add(name(attribute) + " " + operator + " " + placeholder);
        return this;
    }

    public ItemUpdate whenExists(String attribute) {
        conditions.add("attribute_exists(" + name(attribute) + ")");
        return this;
    }

    public ItemUpdate whenAbsent(String attribute) {
        conditions.add("attribute_not_exists(" + name(attribute) + ")");
        return this;
    }

    /** Any other condition, over the names this update declares and values given with {@link #with}. */
    public ItemUpdate when(String condition) {
        conditions.add("(" + condition + ")");
        return this;
    }

    /** A value for a condition written by hand, such as {@code :now}. */
    public ItemUpdate with(String placeholder, AttributeValue value) {
        values.put(placeholder, value);
        return this;
    }

    public UpdateItemRequest request(String table) {
        var builder = UpdateItemRequest.builder().tableName(table).key(key).updateExpression(expression())
                .expressionAttributeNames(names);
        if (!values.isEmpty()) {
            builder.expressionAttributeValues(values);
        }
        if (!conditions.isEmpty()) {
            builder.conditionExpression(String.join(" AND ", conditions));
        }
        return builder.build();
    }

    public TransactWriteItem transactItem(String table) {
        var builder = Update.builder().tableName(table).key(key).updateExpression(expression()).expressionAttributeNames(names);
        if (!values.isEmpty()) {
            builder.expressionAttributeValues(values);
        }
        if (!conditions.isEmpty()) {
            builder.conditionExpression(String.join(" AND ", conditions));
        }
        return TransactWriteItem.builder().update(builder.build()).build();
    }

    public boolean isEmpty() {
        return sets.isEmpty() && removes.isEmpty();
    }

    private String expression() {
        var expression = new StringBuilder();
        if (!sets.isEmpty()) {
            expression.append("SET ").append(String.join(", ", sets));
        }
        if (!removes.isEmpty()) {
            expression.append(expression.isEmpty() ? "" : " ").append("REMOVE ").append(String.join(", ", removes));
        }
        return expression.toString();
    }

    private String name(String attribute) {
        String placeholder = "#" + attribute;
        names.put(placeholder, attribute);
        return placeholder;
    }

    private String value(String attribute, AttributeValue value) {
        String placeholder = ":" + attribute;
        values.put(placeholder, value);
        return placeholder;
    }
}
