// SPDX-License-Identifier: Apache-2.0
// ContextTar from a tree description, written as raw git objects (so names git itself would refuse, such as
// "..", "" or "a/b", can appear, as in a crafted repository). The archive it writes must be well-formed ustar,
// and no entry may land outside the context: no absolute name, no ".." component, no symlink that leaves.
//
// Description: the first line is the folder to archive; each further line is "TYPE PATH[=CONTENT]", TYPE one of
// f (file), x (executable), l (symlink to CONTENT), s (submodule). '/' separates tree levels; a '\1' byte in PATH
// becomes a '/' inside one entry name.
#include "git/gitmirror.h"
#include "jobs/contexttar.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QMap>
#include <QTemporaryDir>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <git2.h>
#include <memory>

namespace {

struct Node
{
    enum Type
    {
        Tree,
        Blob,
        Exec,
        Link,
        Submodule
    } type = Tree;
    QByteArray content;
    QList<QPair<QByteArray, std::shared_ptr<Node>>> children; // duplicates allowed, as in a crafted tree
};

std::shared_ptr<Node> child(Node &tree, const QByteArray &name)
{
    for (auto &[key, node] : tree.children) {
        if (key == name && node->type == Node::Tree)
            return node;
    }
    auto node = std::make_shared<Node>();
    tree.children.append({name, node});
    return node;
}

bool writeObject(git_odb *odb, git_oid *oid, const QByteArray &bytes, git_object_t type)
{
    return git_odb_write(oid, odb, bytes.constData(), size_t(bytes.size()), type) == 0;
}

bool writeTree(git_odb *odb, const Node &tree, git_oid *oid)
{
    struct Entry
    {
        QByteArray key; // git's order: a tree sorts as if its name ended in '/'
        QByteArray bytes;
    };
    QList<Entry> entries;
    for (const auto &[name, node] : tree.children) {
        git_oid id;
        const char *mode = "100644";
        switch (node->type) {
        case Node::Tree:
            if (!writeTree(odb, *node, &id))
                return false;
            mode = "40000";
            break;
        case Node::Blob:
        case Node::Exec:
        case Node::Link:
            if (!writeObject(odb, &id, node->content, GIT_OBJECT_BLOB))
                return false;
            mode = node->type == Node::Exec ? "100755" : node->type == Node::Link ? "120000" : "100644";
            break;
        case Node::Submodule:
            std::memset(id.id, 0x5a, sizeof id.id);
            mode = "160000";
            break;
        }
        QByteArray bytes =
            QByteArray(mode) + ' ' + name + '\0' + QByteArray(reinterpret_cast<const char *>(id.id), GIT_OID_RAWSZ);
        entries.append({node->type == Node::Tree ? name + '/' : name, bytes});
    }
    std::stable_sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) { return a.key < b.key; });
    QByteArray raw;
    for (const Entry &entry : entries)
        raw += entry.bytes;
    return writeObject(odb, oid, raw, GIT_OBJECT_TREE);
}

quint64 octal(const char *field, int width)
{
    quint64 value = 0;
    for (int i = 0; i < width && field[i] >= '0' && field[i] <= '7'; ++i)
        value = value * 8 + quint64(field[i] - '0');
    return value;
}

QByteArray cString(const char *field, int width)
{
    return QByteArray(field, qsizetype(strnlen(field, size_t(width))));
}

// Checks the archive; aborts on anything malformed or leaving the context.
void checkTar(const QByteArray &tar)
{
    if (tar.size() % 512 != 0 || tar.size() < 1024)
        std::abort();
    qsizetype pos = 0;
    QByteArray paxPath; // from a PAX extended header ('x'): the next entry's real name and link target
    QByteArray paxLink;
    while (pos + 512 <= tar.size()) {
        const char *header = tar.constData() + pos;
        if (std::all_of(header, header + 512, [](char c) { return c == 0; }))
            return; // the end blocks
        unsigned sum = 0;
        for (int i = 0; i < 512; ++i)
            sum += (i >= 148 && i < 156) ? unsigned(' ') : static_cast<unsigned char>(header[i]);
        if (octal(header + 148, 8) != sum)
            std::abort();
        const quint64 size = octal(header + 124, 12);
        if (header[156] == 'x') {
            // Records "LEN key=value\n"; only path and linkpath matter here. Its own name is informational.
            QByteArray records = tar.mid(pos + 512, qsizetype(size));
            while (!records.isEmpty()) {
                const qsizetype space = records.indexOf(' ');
                const qsizetype length = space > 0 ? records.left(space).toLongLong() : 0;
                if (length <= space || length > records.size() || records[length - 1] != '\n')
                    std::abort();
                const QByteArray record = records.mid(space + 1, length - space - 2);
                if (record.startsWith("path="))
                    paxPath = record.mid(5);
                else if (record.startsWith("linkpath="))
                    paxLink = record.mid(9);
                records.remove(0, length);
            }
            pos += 512 + qsizetype((size + 511) / 512 * 512);
            continue;
        }
        QByteArray name = cString(header, 100);
        const QByteArray prefix = cString(header + 345, 155);
        if (!prefix.isEmpty())
            name = prefix + '/' + name;
        if (!paxPath.isEmpty())
            name = paxPath;
        const QByteArray link = paxLink.isEmpty() ? cString(header + 157, 100) : paxLink;
        paxPath.clear();
        paxLink.clear();
        if (name.startsWith('/') || name.isEmpty())
            std::abort();
        QByteArray trimmed = name;
        if (header[156] == '5' && trimmed.endsWith('/'))
            trimmed.chop(1);
        for (const QByteArray &part : trimmed.split('/')) {
            if (part.isEmpty() || part == "." || part == "..")
                std::abort();
        }
        if (header[156] == '2') {
            if (mrc::ContextTar::resolveInside(QString::fromUtf8(trimmed), QString::fromUtf8(link)).isEmpty())
                std::abort();
        }
        pos += 512 + qsizetype((size + 511) / 512 * 512);
    }
    std::abort(); // no end blocks
}

struct Repository
{
    QTemporaryDir dir;
    QString url = QStringLiteral("file:///fuzz/context.git");
    QString path;
    int uses = 0;

    Repository()
    {
        git_libgit2_init();
        path = mrc::GitMirror::mirrorPathFor(url, dir.path());
    }

    // A fresh repository now and then, so loose objects do not pile up over a long run.
    bool prepare()
    {
        if (uses++ % 500 != 0)
            return true;
        QDir(path).removeRecursively();
        git_repository *repo = nullptr;
        if (git_repository_init(&repo, QFile::encodeName(path).constData(), 1) != 0)
            return false;
        git_repository_free(repo);
        return true;
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static Repository repository;
    if (!repository.prepare())
        std::abort();

    const QList<QByteArray> lines = QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)).split('\n');
    const QString folder = QString::fromUtf8(lines.value(0));
    Node root;
    for (qsizetype i = 1; i < lines.size() && i < 64; ++i) {
        const QByteArray &line = lines[i];
        if (line.size() < 3 || line[1] != ' ')
            continue;
        QByteArray path = line.mid(2);
        QByteArray content;
        const qsizetype equals = path.indexOf('=');
        if (equals >= 0) {
            content = path.mid(equals + 1).replace("\\n", "\n");
            path.truncate(equals);
        }
        QList<QByteArray> parts = path.split('/');
        Node *tree = &root;
        for (qsizetype p = 0; p + 1 < parts.size(); ++p)
            tree = child(*tree, parts[p].replace('\1', '/')).get();
        auto leaf = std::make_shared<Node>();
        leaf->content = content;
        switch (line[0]) {
        case 'x':
            leaf->type = Node::Exec;
            break;
        case 'l':
            leaf->type = Node::Link;
            break;
        case 's':
            leaf->type = Node::Submodule;
            break;
        case 'd':
            leaf->type = Node::Tree;
            break;
        default:
            leaf->type = Node::Blob;
            break;
        }
        tree->children.append({parts.last().replace('\1', '/'), leaf});
    }

    git_repository *repo = nullptr;
    if (git_repository_open_bare(&repo, QFile::encodeName(repository.path).constData()) != 0)
        std::abort();
    git_odb *odb = nullptr;
    git_repository_odb(&odb, repo);
    git_oid tree;
    git_oid commit;
    bool written = writeTree(odb, root, &tree);
    if (written) {
        char hex[GIT_OID_HEXSZ + 1] = {};
        git_oid_tostr(hex, sizeof hex, &tree);
        const QByteArray text =
            QByteArray("tree ") + hex + "\nauthor f <f@f> 1 +0000\ncommitter f <f@f> 1 +0000\n\nfuzz\n";
        written = writeObject(odb, &commit, text, GIT_OBJECT_COMMIT);
    }
    git_odb_free(odb);
    git_repository_free(repo);
    if (!written)
        return 0;

    char hex[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(hex, sizeof hex, &commit);
    mrc::GitMirror mirror(repository.url, repository.dir.path());
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    const bool ok = mrc::ContextTar::write(mirror, QString::fromLatin1(hex), folder, &buffer, &error, {});
    static const bool verbose = qEnvironmentVariableIsSet("MRC_FUZZ_VERBOSE");
    if (verbose) {
        std::fprintf(stderr, "%s: %s\n", ok ? "written" : "refused", qPrintable(error));
        QFile tar(qEnvironmentVariable("MRC_FUZZ_VERBOSE"));
        if (ok && tar.open(QIODevice::WriteOnly))
            tar.write(buffer.data()); // MRC_FUZZ_VERBOSE=FILE keeps the archive for tar -tvf
    }
    if (ok)
        checkTar(buffer.data());
    else if (error.isEmpty())
        std::abort();
    return 0;
}
