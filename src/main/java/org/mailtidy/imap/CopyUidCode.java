package org.mailtidy.imap;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.UIDSet;

/** The {@code [COPYUID validity source target]} response code of UIDPLUS (RFC 4315 section 3). */
final class CopyUidCode {
    private static final Pattern COPYUID_CODE = Pattern.compile("\\[COPYUID (\\d+) ([0-9:,]+) ([0-9:,]+)]",
            Pattern.CASE_INSENSITIVE);

    private CopyUidCode() {
    }

    /** Where the copies went as the response says; {@link CopiedUids#NONE} without a (consistent) code. */
    static CopiedUids of(Response response) {
        Matcher m = COPYUID_CODE.matcher(response.toString());
        if (!m.find()) {
            return CopiedUids.NONE;
        }
        long[] source = UIDSet.toArray(UIDSet.parseUIDSets(m.group(2)));
        long[] target = UIDSet.toArray(UIDSet.parseUIDSets(m.group(3)));
        return source.length == target.length ? new CopiedUids(Long.parseLong(m.group(1)), source, target)
                : CopiedUids.NONE;
    }
}
