// SPDX-License-Identifier: Apache-2.0
#include "render/celltemplates.h"

#include "git/gitmirror.h"
#include "workspace/refcolumn.h"

namespace mrc {

namespace {

struct Folder
{
    QString commit;
    QByteArray dockerfile;
    QList<TemplateFile> templates;
    QString error;
};

Folder readFolder(const Manifest &manifest, const ComponentSpec &spec, const QString &branch, const QString &cacheRoot,
                  bool withTemplates)
{
    Folder folder;
    GitMirror mirror(spec.repo, cacheRoot);
    if (!mirror.exists() && !mirror.fetch({}, nullptr, &folder.error)) {
        folder.error = QStringLiteral("%1: %2").arg(spec.repo, folder.error);
        return folder;
    }
    QString error;
    const auto commit = RefColumn::commitOf(mirror, manifest, branch, &error);
    if (!commit) {
        folder.error = error.isEmpty() ? QStringLiteral("%1: no branch %2").arg(spec.repo, branch)
                                       : QStringLiteral("%1: %2").arg(spec.repo, error);
        return folder;
    }
    folder.commit = commit->sha;
    const auto entries = mirror.listTree(folder.commit, spec.context, &error);
    if (!entries) {
        folder.error = QStringLiteral("%1@%2: no folder %3 %4").arg(spec.repo, branch, spec.context, error).trimmed();
        return folder;
    }
    for (const TreeEntry &entry : *entries) {
        if (entry.isDir || entry.isSymlink)
            continue;
        const bool dockerfile = entry.path == QLatin1String("Dockerfile");
        if (!dockerfile && !(withTemplates && CellTemplates::isTemplate(entry.path)))
            continue;
        const auto blob = mirror.readFile(folder.commit, spec.context + QLatin1Char('/') + entry.path, &error);
        if (!blob) {
            folder.error =
                QStringLiteral("%1@%2: cannot read %3/%4: %5").arg(spec.repo, branch, spec.context, entry.path, error);
            return folder;
        }
        if (dockerfile)
            folder.dockerfile = *blob;
        else
            folder.templates.append({entry.path, QString::fromUtf8(*blob)});
    }
    return folder;
}

} // namespace

bool CellTemplates::isTemplate(const QString &path)
{
    return path.endsWith(QLatin1String(".j2")) || path.endsWith(QLatin1String(".jinja2"));
}

const TemplateFile *CellTemplates::find(const QString &path) const
{
    for (const TemplateFile &file : templates) {
        if (file.path == path)
            return &file;
    }
    return nullptr;
}

CellTemplates CellTemplates::load(const Manifest &manifest, const QString &component, const QString &branch,
                                  const QString &cacheRoot)
{
    CellTemplates cell;
    cell.component = component;
    cell.branch = branch;
    const ComponentSpec *spec = manifest.component(component);
    if (!spec) {
        cell.error = QStringLiteral("%1: no component '%2'").arg(manifest.path, component);
        return cell;
    }
    cell.folder = spec->context;
    const Folder own = readFolder(manifest, *spec, branch, cacheRoot, true);
    if (!own.error.isEmpty()) {
        cell.error = own.error;
        return cell;
    }
    cell.commit = own.commit;
    cell.dockerfile = own.dockerfile;
    cell.templates = own.templates;
    std::sort(cell.templates.begin(), cell.templates.end(),
              [](const TemplateFile &a, const TemplateFile &b) { return a.path < b.path; });
    if (!spec->base.isEmpty()) {
        cell.baseComponent = spec->base;
        if (const ComponentSpec *base = manifest.component(spec->base)) {
            const Folder inherited = readFolder(manifest, *base, branch, cacheRoot, false);
            if (inherited.error.isEmpty()) {
                cell.baseCommit = inherited.commit;
                cell.baseDockerfile = inherited.dockerfile;
            } else {
                cell.warning = QStringLiteral("base %1: %2; its ENV is not applied").arg(spec->base, inherited.error);
            }
        }
    }
    return cell;
}

} // namespace mrc
