package dev.authkeeper.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Every alarm the template creates has its runbook in docs/operating/alarms.md, under an anchor of its name. */
class AlarmRunbooksTest {

    private static final Pattern ALARM_NAME = Pattern.compile("AlarmName: !Sub '\\$\\{AWS::StackName}-([a-z0-9-]+)'");
    private static final Path RUNBOOKS = Path.of("docs", "operating", "alarms.md");

    @Test
    void everyAlarmOfTheTemplateHasARunbook() throws IOException {
        var alarms = ALARM_NAME.matcher(Files.readString(Path.of("template.yaml"))).results().map(m -> m.group(1)).toList();
        assertThat(alarms).as("alarms in template.yaml").hasSizeGreaterThan(20);
        assertThat(alarms).allSatisfy(alarm -> assertThat(DocsLinksTest.anchors(RUNBOOKS)).as("runbook anchors").contains(alarm));
    }
}
