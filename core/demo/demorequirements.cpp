// SPDX-License-Identifier: Apache-2.0
#include "demo/demorequirements.h"

#include "git/repowriter.h"

#include <QUrl>

namespace mrc::demo {

namespace {

struct ConstraintsBranch
{
    const char *branch;
    const char *common; // the monasca-common release pinned there (a tag of the demo's monasca-common)
    int daysAgo;
};

const ConstraintsBranch RequirementsBranches[] = {
    {"unmaintained/2023.1", "9.0.1", 117},
    {"stable/2023.2", "10.0.1", 108},
    {"master", "11.0.0", 61},
};

QByteArray upperConstraints(const char *common)
{
    return QByteArray("# The demo's upper constraints: the exact version of every dependency.\n"
                      "confluent-kafka===1.9.2\n"
                      "monasca-common===") +
           common +
           "\n"
           "oslo.config===9.2.0\n"
           "oslo.log===5.3.0\n";
}

} // namespace

bool DemoRequirements::write(const QString &path, qint64 now, QString *error)
{
    RepoWriter writer;
    if (!writer.init(path, QStringLiteral("master"), {}, error))
        return false;
    const auto commitFile = [&](QString *id, const QByteArray &text, const QStringList &parents, int daysAgo,
                                const QString &subject) {
        const RepoWriter::FileTree files{{QStringLiteral("upper-constraints.txt"), RepoWriter::File{text}}};
        return writer.commit(id, files, parents, now - qint64(daysAgo) * 86400, subject + QLatin1Char('\n'), error);
    };
    QString root;
    if (!commitFile(&root, upperConstraints("9.0.0"), {}, 150, QStringLiteral("Initial upper constraints")))
        return false;
    for (const ConstraintsBranch &b : RequirementsBranches) {
        QString id;
        const QString branch = QString::fromLatin1(b.branch);
        if (!commitFile(&id, upperConstraints(b.common), {root}, b.daysAgo,
                        QStringLiteral("Pin monasca-common %1 for %2").arg(QLatin1String(b.common), branch)) ||
            !writer.branch(branch, id, error))
            return false;
    }
    return true;
}

/** The manifest's `requirements:` entry naming the demo's requirements repository. */
QString DemoRequirements::manifestEntry(const QString &dir)
{
    return QStringLiteral("# openstack/requirements: the build scripts read a stable branch's upper-constraints.txt,\n"
                          "# and the monasca-common version pinned there, from it.\n"
                          "requirements: \"%1\"\n\n")
        .arg(QUrl::fromLocalFile(QStringLiteral("%1/repos/requirements.git").arg(dir)).toString());
}

} // namespace mrc::demo
