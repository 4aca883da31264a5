// SPDX-License-Identifier: Apache-2.0
#include "views/welcomedialog.h"

#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QStyle>
#include <QToolButton>

namespace mrc {

WelcomeDialog::WelcomeDialog(QWidget *parent) : QDialog(parent), m_folder(new QLineEdit(this))
{
    setObjectName(QStringLiteral("welcomeDialog"));
    setWindowTitle(tr("Welcome to the Monasca Release Console"));
    auto *layout = new QGridLayout(this);
    layout->setVerticalSpacing(10);
    auto *intro = new QLabel(tr("<b>No release manifest is open.</b><br/>A manifest (release.yaml) lists the Monasca "
                                "images, the branches to build and the Docker engines. How do you want to start?"),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro, 0, 0, 1, 3);

    auto row = [this, layout](int at, QPushButton *button, const QString &text) {
        button->setMinimumWidth(fontMetrics().averageCharWidth() * 30);
        auto *label = new QLabel(text, this);
        label->setWordWrap(true);
        label->setBuddy(button);
        button->setAccessibleDescription(text);
        layout->addWidget(button, at, 0, Qt::AlignTop);
        layout->addWidget(label, at, 1, 1, 2);
    };

    auto *open = new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open a Manifest…"), this);
    open->setObjectName(QStringLiteral("welcomeOpen"));
    row(1, open, tr("Your own release.yaml."));
    auto *demo = new QPushButton(style()->standardIcon(QStyle::SP_FileDialogNewFolder), tr("Create the &Demo"), this);
    demo->setObjectName(QStringLiteral("welcomeDemo"));
    row(2, demo,
        tr("Nine local git repositories whose images build offline on the engine of $DOCKER_HOST, and "
           "their release.yaml, in this folder:"));
    m_folder->setObjectName(QStringLiteral("welcomeDemoFolder"));
    m_folder->setAccessibleName(tr("Demo folder"));
    m_folder->setText(
        QDir(QStandardPaths::writableLocation(QStandardPaths::HomeLocation)).filePath(QStringLiteral("mrc-demo")));
    auto *browse = new QToolButton(this);
    browse->setText(tr("…"));
    browse->setAccessibleName(tr("Choose the demo folder"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Demo folder"), m_folder->text());
        if (!dir.isEmpty())
            m_folder->setText(QDir(dir).filePath(QStringLiteral("mrc-demo")));
    });
    layout->addWidget(m_folder, 3, 1);
    layout->addWidget(browse, 3, 2);
    auto *monasca =
        new QPushButton(style()->standardIcon(QStyle::SP_DriveNetIcon), tr("Use the &Monasca Manifest"), this);
    monasca->setObjectName(QStringLiteral("welcomeMonasca"));
    row(4, monasca,
        tr("The built-in manifest of the real OpenStack Monasca repositories and Docker Hub (needs the "
           "network to fetch)."));
    demo->setDefault(true);

    connect(open, &QPushButton::clicked, this, [this] { choose(Choice::Open); });
    connect(demo, &QPushButton::clicked, this, [this] { choose(Choice::Demo); });
    connect(monasca, &QPushButton::clicked, this, [this] { choose(Choice::Monasca); });
}

QString WelcomeDialog::demoFolder() const
{
    return m_folder->text().trimmed();
}

void WelcomeDialog::setDemoFolder(const QString &folder)
{
    m_folder->setText(folder);
}

void WelcomeDialog::choose(Choice choice)
{
    m_choice = choice;
    accept();
}

} // namespace mrc
