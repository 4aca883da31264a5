// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace mrc {

/**
 * The first minute: no manifest was given and none was opened before. Offers to open one, to create the offline
 * demo workspace (in a folder the user can change), or to use the built-in manifest of the real Monasca repositories.
 */
class WelcomeDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Choice
    {
        None,
        Open,
        Demo,
        Monasca
    };
    Q_ENUM(Choice)

    explicit WelcomeDialog(QWidget *parent = nullptr);

    Choice choice() const { return m_choice; }
    /** Where the demo goes (Choice::Demo). */
    QString demoFolder() const;
    void setDemoFolder(const QString &folder);

private:
    void choose(Choice choice);

    Choice m_choice = Choice::None;
    QLineEdit *m_folder;
};

} // namespace mrc
